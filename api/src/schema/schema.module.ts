import { Module } from '@nestjs/common';
import { SchemaController } from './schema.controller';
import { SchemaRepository } from './schema.repository';

/** `GET /api/schema`: the attribute keys and event names the workspace has ingested. */
@Module({ controllers: [SchemaController], providers: [SchemaRepository] })
export class SchemaModule {}
