import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { JourneyContext, JourneyState, JourneyWait } from '@boomerang/engine';

@Entity('journeys')
export class JourneyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'flow_id' }) flowId!: string;
  @Column('integer', { name: 'flow_version' }) flowVersion!: number;
  @Column('bigint', { name: 'contact_id' }) contactId!: string;
  @Column('text') state!: JourneyState;
  @Column('text', { name: 'current_node_id' }) currentNodeId!: string;
  @Column('timestamptz', { name: 'next_run_at', nullable: true }) nextRunAt!: Date | null;
  @Column('jsonb', { nullable: true }) wait!: JourneyWait | null;
  @Column('integer', { name: 'step_seq', default: 0 }) stepSeq!: number;
  @Column('boolean', { default: false }) holdout!: boolean;
  @Column('jsonb', { default: {} }) context!: JourneyContext;
  @Column('timestamptz', { name: 'entered_at' }) enteredAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt!: Date | null;
}
