-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Endpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "taskId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "instanceType" TEXT NOT NULL DEFAULT 'self_managed',
    "regionLabel" TEXT NOT NULL DEFAULT '',
    "host" TEXT NOT NULL DEFAULT '',
    "port" INTEGER NOT NULL DEFAULT 6379,
    "mode" TEXT NOT NULL DEFAULT 'standalone',
    "username" TEXT,
    "passwordEncrypted" TEXT,
    "tls" BOOLEAN NOT NULL DEFAULT false,
    "tlsInsecure" BOOLEAN NOT NULL DEFAULT false,
    "tlsServername" TEXT,
    "tlsEncrypted" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Endpoint_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Endpoint" ("createdAt", "host", "id", "instanceType", "mode", "passwordEncrypted", "port", "regionLabel", "role", "taskId", "updatedAt", "username") SELECT "createdAt", "host", "id", "instanceType", "mode", "passwordEncrypted", "port", "regionLabel", "role", "taskId", "updatedAt", "username" FROM "Endpoint";
DROP TABLE "Endpoint";
ALTER TABLE "new_Endpoint" RENAME TO "Endpoint";
CREATE UNIQUE INDEX "Endpoint_taskId_role_key" ON "Endpoint"("taskId", "role");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
