import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysController, AuthController, UsersController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator';
import { SessionsRepository } from './sessions.repository';
import { UsersRepository } from './users.repository';
import { LoginThrottle } from '../security/login-throttle';

@Module({
  controllers: [AuthController, UsersController, ApiKeysController],
  providers: [
    ApiKeysRepository,
    UsersRepository,
    SessionsRepository,
    AuthService,
    Authenticator,
    LoginThrottle,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeysRepository, UsersRepository, Authenticator],
})
export class AuthModule {}
