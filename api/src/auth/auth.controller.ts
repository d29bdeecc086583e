import { Body, Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import type { Request, Response } from 'express';
import { LoginThrottle } from '../security/login-throttle';
import { UuidOr404Pipe } from '../common/ids';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { Access, AuthenticatedRequest, Caller } from './access.decorator';
import {
  createApiKeyBody,
  CreateApiKeyBody,
  createUserBody,
  CreateUserBody,
  loginBody,
  LoginBody,
  updateUserBody,
  UpdateUserBody,
} from './auth.dto';
import { AuthService } from './auth.service';
import type { Principal } from './principal';
import { Public } from './public.decorator';
import { SESSION_COOKIE, SESSION_TTL_MS, sessionCookie } from './session-token';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'PUBLIC_URL'>,
  ) {}

  /**
   * Signs an editor user in: the token works as `Authorization: Bearer` and is also set as an HttpOnly cookie.
   * Attempts are limited here, in the handler every spelling of the path reaches (`LoginThrottle`).
   */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body(new ZodValidationPipe(loginBody)) body: LoginBody, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const refusal = this.throttle.check(req.ip, body.email);
    if (refusal) {
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      throw new HttpException({ statusCode: 429, error: 'Too Many Requests', message: refusal.message }, HttpStatus.TOO_MANY_REQUESTS);
    }
    const session = await this.auth.login(body);
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      // behind https (PUBLIC_URL, or a request that arrived over TLS as TRUST_PROXY tells) the cookie never travels in clear
      secure: req.secure || this.config.PUBLIC_URL.startsWith('https:'),
      path: '/',
      maxAge: SESSION_TTL_MS,
    });
    return session;
  }

  @Access('any')
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    await this.auth.logout(bearer ?? sessionCookie(req.headers.cookie));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  /** Who am I and what may I do. Any credential works, ingest-only keys included. */
  @Access('any')
  @Get('me')
  me(@Caller() caller: Principal) {
    return this.auth.me(caller);
  }
}

@Controller('users')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Access('admin')
  @Post()
  create(@Body(new ZodValidationPipe(createUserBody)) body: CreateUserBody, @Caller() caller: Principal) {
    return this.auth.createUser(body, caller);
  }

  @Access('admin')
  @Get()
  list() {
    return this.auth.listUsers();
  }

  /** Change a user's role, or disable / enable them (the last admin who can sign in stays). */
  @Access('admin')
  @Patch(':id')
  update(
    @Param('id', new UuidOr404Pipe('user')) id: string,
    @Body(new ZodValidationPipe(updateUserBody)) body: UpdateUserBody,
    @Caller() caller: Principal,
  ) {
    return this.auth.updateUser(id, body, caller);
  }

  /** Sign a user out everywhere (a lost laptop, a leaver): all their sessions end; they can sign in again unless disabled. */
  @Access('admin')
  @Delete(':id/sessions')
  revokeSessions(@Param('id', new UuidOr404Pipe('user')) id: string, @Caller() caller: Principal) {
    return this.auth.revokeSessions(id, caller);
  }
}

@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly auth: AuthService) {}

  /** The plaintext key is in this response and nowhere else (only its SHA-256 is stored). */
  @Access('admin')
  @Post()
  create(@Body(new ZodValidationPipe(createApiKeyBody)) body: CreateApiKeyBody, @Caller() caller: Principal) {
    return this.auth.createApiKey(body, caller);
  }

  @Access('admin')
  @Get()
  list() {
    return this.auth.listApiKeys();
  }

  @Access('admin')
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', new UuidOr404Pipe('API key')) id: string, @Caller() caller: Principal): Promise<void> {
    await this.auth.revokeApiKey(id, caller);
  }
}
