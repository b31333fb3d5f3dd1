-- CreateTable
CREATE TABLE "DivergentKey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskId" TEXT NOT NULL,
    "time" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "shard" TEXT NOT NULL,
    "db" INTEGER,
    "command" TEXT NOT NULL,
    "key" TEXT,
    "reason" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    CONSTRAINT "DivergentKey_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DivergentKey_taskId_time_idx" ON "DivergentKey"("taskId", "time");
