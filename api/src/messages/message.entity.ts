import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelKind, MessageStatus, RenderedContent } from '@boomerang/engine';

export type { MessageStatus };

@Entity('messages')
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** journey id + step sequence: a re-run of the same step can never queue a second message */
  @Column('text', { name: 'idempotency_key', unique: true }) idempotencyKey!: string;
  @Column('uuid', { name: 'journey_id' }) journeyId!: string;
  @Column('uuid', { name: 'flow_id' }) flowId!: string;
  @Column('integer', { name: 'flow_version' }) flowVersion!: number;
  @Column('bigint', { name: 'contact_id' }) contactId!: string;
  @Column('text', { name: 'node_id' }) nodeId!: string;
  @Column('text') channel!: ChannelKind;
  @Column('text', { default: 'queued' }) status!: MessageStatus;
  @Column('jsonb') content!: RenderedContent;
  @Column('integer', { name: 'cost_cents', default: 0 }) costCents!: number;
  @Column('integer', { default: 0 }) attempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('text', { name: 'provider_id', nullable: true }) providerId!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt!: Date | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt!: Date | null;
  @Column('timestamptz', { name: 'failed_at', nullable: true }) failedAt!: Date | null;
  @Column('timestamptz', { name: 'opened_at', nullable: true }) openedAt!: Date | null;
  @Column('timestamptz', { name: 'clicked_at', nullable: true }) clickedAt!: Date | null;
  @Column('timestamptz', { name: 'unsubscribed_at', nullable: true }) unsubscribedAt!: Date | null;
  /** SMS segments billed */
  @Column('integer', { nullable: true }) segments!: number | null;
  /** an escalation hop: `{fromMessageId, hop, unless}` */
  @Column('jsonb', { nullable: true }) escalation!: Record<string, unknown> | null;
}
