import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'boomerang:public';
/** Marks a route that needs no credentials (health, tracking links). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
