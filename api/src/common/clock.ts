import { Global, Module } from '@nestjs/common';
import { CLOCK } from '../engine/engine.module';
import { EngineService } from '../engine/engine.service';

/**
 * The time the API stamps on what it writes (event `occurredAt` defaults, activation, archive exits, tracking).
 * NOW is bound to the engine's CLOCK, so `CLOCK=virtual` moves the API and the engine together.
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

/** NOW is the engine's CLOCK and ENGINE_KICK its EngineService (EngineModule is global and always loaded). */
@Global()
@Module({
  providers: [
    { provide: NOW, useExisting: CLOCK },
    { provide: ENGINE_KICK, useExisting: EngineService },
  ],
  exports: [NOW, ENGINE_KICK],
})
export class EngineBridgeModule {}
