/**
 * The time the API stamps on what it writes (event `occurredAt` defaults, activation, archive exits, tracking).
 * NOW is bound to the engine's CLOCK (engine/engine-bridge.module.ts), so `CLOCK=virtual` moves the API and the
 * engine together. `common/` depends on nothing of the app: modules take these tokens, the engine module binds them.
 */
export interface NowSource {
  now(): Promise<Date>;
}
export const NOW = Symbol('NOW');

/** After ingestion, "look at these journeys soon"; the engine's `EngineService.kick()` when it is hosted here. */
export interface EngineKick {
  kick(): void;
}
export const ENGINE_KICK = Symbol('ENGINE_KICK');
