import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';
import { findUnstorable } from './storable-json';
import { fieldErrors, FieldError, summarize } from './zod-errors';

/** The body of every 400 this API answers: `{statusCode, message, errors:[{path, message}]}`. */
export function badRequest(errors: FieldError[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, message: summarize(errors), errors });
}

export function badRequestFromZod(error: z.ZodError, prefix: PropertyKey[] = [], input?: unknown): BadRequestException {
  return badRequest(fieldErrors(error.issues, prefix, input));
}

/** Parses or throws a 400 that names the field (what PostgreSQL cannot store is refused first: storable-json.ts). */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: PropertyKey[] = []): z.output<S> {
  const unstorable = findUnstorable(value, prefix);
  if (unstorable) throw badRequest([unstorable]);
  const result = schema.safeParse(value);
  if (!result.success) throw badRequestFromZod(result.error, prefix, value);
  return result.data;
}
