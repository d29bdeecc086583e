import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { FlowGraphDocument } from '@boomerang/engine';

export type FlowStatus = 'draft' | 'active' | 'paused' | 'archived';

@Entity('flows')
export class FlowEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { default: 'draft' }) status!: FlowStatus;
  /** the newest version: the one the editor shows and edits */
  @Column('integer', { name: 'current_version', default: 1 }) currentVersion!: number;
  /** the version new journeys enter; null until first activation */
  @Column('integer', { name: 'live_version', nullable: true }) liveVersion!: number | null;
  @Column('jsonb', { default: {} }) settings!: { holdoutPercent?: number };
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'activated_at', nullable: true }) activatedAt!: Date | null;
  @Column('timestamptz', { name: 'last_enrolled_at', nullable: true }) lastEnrolledAt!: Date | null;
  /** the last full enrollment sweep (inactivity triggers), and the live version it ran for */
  @Column('timestamptz', { name: 'last_swept_at', nullable: true }) lastSweptAt!: Date | null;
  @Column('integer', { name: 'last_swept_version', nullable: true }) lastSweptVersion!: number | null;
}

@Entity('flow_versions')
export class FlowVersionEntity {
  @PrimaryColumn('uuid', { name: 'flow_id' }) flowId!: string;
  @PrimaryColumn('integer') version!: number;
  @Column('jsonb') graph!: FlowGraphDocument;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** set at activation; the database refuses graph changes after that */
  @Column('timestamptz', { name: 'frozen_at', nullable: true }) frozenAt!: Date | null;
}
