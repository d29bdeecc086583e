import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One row: the workspace's activity rule, quiet hours, caps and non-activity events (see engine EngineSettings). */
@Entity('workspace_settings')
export class WorkspaceSettingsEntity {
  @PrimaryColumn('smallint', { default: 1 }) id!: number;
  @Column('jsonb', { default: {} }) settings!: Record<string, unknown>;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
