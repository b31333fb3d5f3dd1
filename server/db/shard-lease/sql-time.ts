import "server-only";
import { Prisma } from "../generated/sqlite/client";

/**
 * The database's clock, in UTC: lease times are compared on one clock (PostgreSQL's), never on the
 * workers' own, so machines whose clocks differ cannot both believe they hold a shard. Prisma keeps
 * DateTime as UTC in `timestamp(3)` columns, hence AT TIME ZONE.
 */
export const DB_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export function dbNowPlus(ms: number): Prisma.Sql {
  return Prisma.sql`((now() AT TIME ZONE 'UTC') + (${Math.round(ms)}::integer * interval '1 millisecond'))`;
}
