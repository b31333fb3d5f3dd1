-- CreateTable
CREATE TABLE "DivergentKey" (
    "id" SERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "shard" TEXT NOT NULL,
    "db" INTEGER,
    "command" TEXT NOT NULL,
    "key" TEXT,
    "reason" TEXT NOT NULL,
    "phase" TEXT NOT NULL,

    CONSTRAINT "DivergentKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DivergentKey_taskId_time_idx" ON "DivergentKey"("taskId", "time");

-- AddForeignKey
ALTER TABLE "DivergentKey" ADD CONSTRAINT "DivergentKey_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
