import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('events')
export class EventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('bigint', { name: 'contact_id' }) contactId!: string;
  @Column('text') name!: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('jsonb', { default: {} }) properties!: Record<string, unknown>;
  /** every event counts as activity unless its name is in the workspace's non-activity list */
  @Column('boolean', { name: 'is_activity', default: true }) isActivity!: boolean;
  /** engine clock time of ingestion */
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
}
