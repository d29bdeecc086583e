/** The workspace settings shapes live once in the engine core (shared with the engine and the editor). */
export {
  defaultWorkspaceSettings,
  updateSettingsBody,
  workspaceSettingsSchema,
  type UpdateSettingsBody,
  type WorkspaceSettings,
} from '@boomerang/engine/core/settings';
