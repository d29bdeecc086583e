import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelKind } from '@boomerang/engine';

@Entity('contacts')
export class ContactEntity {
  /** internal key (bigint, returned as a string); the customer's key is `externalId` */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text', { name: 'external_id', unique: true }) externalId!: string;
  @Column('jsonb', { default: {} }) attributes!: Record<string, unknown>;
  @Column('jsonb', { default: {} }) consent!: Partial<Record<ChannelKind, boolean>>;
  @Column('text', { default: 'UTC' }) timezone!: string;
  @Column('timestamptz', { name: 'last_active_at', nullable: true }) lastActiveAt!: Date | null;
  /** engine clock times: inactivity of a never-active contact counts from `created_at` */
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
