-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "alertState" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "alerts" TEXT NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "ShardLease" (
    "id" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "shard" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL DEFAULT '',
    "workerId" TEXT,
    "worker" TEXT,
    "since" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT '{}',
    "statusAt" TIMESTAMP(3),

    CONSTRAINT "ShardLease_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL DEFAULT '',
    "pid" INTEGER NOT NULL DEFAULT 0,
    "maxShards" INTEGER NOT NULL DEFAULT 1,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rssBytes" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShardLease_expiresAt_idx" ON "ShardLease"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShardLease_taskId_shard_key" ON "ShardLease"("taskId", "shard");

-- CreateIndex
CREATE INDEX "Worker_seenAt_idx" ON "Worker"("seenAt");

-- AddForeignKey
ALTER TABLE "ShardLease" ADD CONSTRAINT "ShardLease_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
