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
    "sourceReader" TEXT NOT NULL DEFAULT 'psync',
    "error" TEXT,
    "errorCode" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME
);
INSERT INTO "new_Task" ("conflictMode", "createdAt", "dbMap", "error", "errorCode", "finishedAt", "id", "initialSync", "leaseExpiresAt", "leaseOwner", "name", "options", "regionLabel", "selectedDbs", "startedAt", "state", "updatedAt", "wizardStep") SELECT "conflictMode", "createdAt", "dbMap", "error", "errorCode", "finishedAt", "id", "initialSync", "leaseExpiresAt", "leaseOwner", "name", "options", "regionLabel", "selectedDbs", "startedAt", "state", "updatedAt", "wizardStep" FROM "Task";
DROP TABLE "Task";
ALTER TABLE "new_Task" RENAME TO "Task";
CREATE INDEX "Task_regionLabel_idx" ON "Task"("regionLabel");
CREATE INDEX "Task_createdAt_idx" ON "Task"("createdAt");
CREATE INDEX "Task_name_idx" ON "Task"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
