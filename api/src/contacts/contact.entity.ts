import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
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
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
