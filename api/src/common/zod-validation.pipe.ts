import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseOrThrow } from './http-errors';

/**
 * Validates a body, query or param at the edge with the same zod schema that types it and documents it
 * (`@Body(new ZodValidationPipe(createFlowBody))`). Errors name the field; query errors are prefixed `query.`.
 */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, metadata: ArgumentMetadata): z.output<S> {
    const prefix = metadata.type === 'query' ? ['query'] : metadata.type === 'param' ? ['params'] : [];
    return parseOrThrow(this.schema, metadata.type === 'body' && value === undefined ? {} : value, prefix);
  }
}
