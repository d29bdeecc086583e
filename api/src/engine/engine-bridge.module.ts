import { Global, Module } from '@nestjs/common';
import { ENGINE_KICK, NOW } from '../common/clock';
import { CLOCK } from './engine.tokens';
import { EngineService } from './engine.service';

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
