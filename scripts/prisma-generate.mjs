// Replaced by the Prisma client generation step once the schema lands.
