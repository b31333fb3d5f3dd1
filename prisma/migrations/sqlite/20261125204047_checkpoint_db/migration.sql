-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Checkpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "taskId" TEXT NOT NULL,
    "sourceNode" TEXT NOT NULL,
    "replid" TEXT NOT NULL,
    "offset" BIGINT NOT NULL,
    "db" INTEGER NOT NULL DEFAULT 0,
    "phase" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Checkpoint_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Checkpoint" ("id", "offset", "phase", "replid", "sourceNode", "taskId", "updatedAt") SELECT "id", "offset", "phase", "replid", "sourceNode", "taskId", "updatedAt" FROM "Checkpoint";
DROP TABLE "Checkpoint";
ALTER TABLE "new_Checkpoint" RENAME TO "Checkpoint";
CREATE UNIQUE INDEX "Checkpoint_taskId_sourceNode_key" ON "Checkpoint"("taskId", "sourceNode");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
