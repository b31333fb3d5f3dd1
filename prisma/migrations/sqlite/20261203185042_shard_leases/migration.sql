-- CreateTable
CREATE TABLE "ShardLease" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "taskId" TEXT NOT NULL,
    "shard" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL DEFAULT '',
    "workerId" TEXT,
    "worker" TEXT,
    "since" DATETIME,
    "expiresAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT '{}',
    "statusAt" DATETIME,
    CONSTRAINT "ShardLease_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL DEFAULT '',
    "pid" INTEGER NOT NULL DEFAULT 0,
    "maxShards" INTEGER NOT NULL DEFAULT 1,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rssBytes" REAL NOT NULL DEFAULT 0
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Task" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "regionLabel" TEXT NOT NULL DEFAULT 'default',
    "state" TEXT NOT NULL DEFAULT 'not_started',
    "wizardStep" INTEGER NOT NULL DEFAULT 1,
    "conflictMode" TEXT NOT NULL DEFAULT 'intercept',
    "selectedDbs" TEXT NOT NULL DEFAULT '[0]',
    "dbMap" TEXT NOT NULL DEFAULT '{}',
    "initialSync" TEXT NOT NULL DEFAULT 'full_and_incremental',
    "options" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,
    "errorCode" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "alerts" TEXT NOT NULL DEFAULT '{}',
    "alertState" TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO "new_Task" ("conflictMode", "createdAt", "dbMap", "error", "errorCode", "finishedAt", "id", "initialSync", "leaseExpiresAt", "leaseOwner", "name", "options", "regionLabel", "selectedDbs", "startedAt", "state", "updatedAt", "wizardStep") SELECT "conflictMode", "createdAt", "dbMap", "error", "errorCode", "finishedAt", "id", "initialSync", "leaseExpiresAt", "leaseOwner", "name", "options", "regionLabel", "selectedDbs", "startedAt", "state", "updatedAt", "wizardStep" FROM "Task";
DROP TABLE "Task";
ALTER TABLE "new_Task" RENAME TO "Task";
CREATE INDEX "Task_regionLabel_idx" ON "Task"("regionLabel");
CREATE INDEX "Task_createdAt_idx" ON "Task"("createdAt");
CREATE INDEX "Task_name_idx" ON "Task"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ShardLease_expiresAt_idx" ON "ShardLease"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShardLease_taskId_shard_key" ON "ShardLease"("taskId", "shard");

-- CreateIndex
CREATE INDEX "Worker_seenAt_idx" ON "Worker"("seenAt");
