import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { LogKind } from '@boomerang/engine';

/** Append-only (a database trigger refuses updates): the answer to "why did this user get this?". */
@Entity('journey_log')
export class JourneyLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'journey_id' }) journeyId!: string;
  @Column('timestamptz') at!: Date;
  @Column('text', { name: 'node_id' }) nodeId!: string;
  @Column('text') kind!: LogKind;
  @Column('jsonb', { default: {} }) detail!: Record<string, unknown>;
}
