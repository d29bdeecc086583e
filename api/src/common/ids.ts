import { NotFoundException, PipeTransform } from '@nestjs/common';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuid.test(value);
}

/** `:id` params: anything that is not a UUID cannot name a row, so it is a 404 (never a PostgreSQL cast error). */
export class UuidOr404Pipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}
  transform(value: string): string {
    if (!isUuid(value)) throw new NotFoundException(`${this.what} "${value.slice(0, 100)}" not found`);
    return value.toLowerCase();
  }
}
