/**
 * Moves the temporary key (own-keys.ts `loadTmpKey`: same slot, the task's own prefix) in place unless the target exists (then drops it and answers BUSYKEY,
 * like RESTORE without REPLACE): the intercept policy for values rebuilt with typed commands.
 */
export const RENAME_IF_ABSENT = `if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('DEL', KEYS[1]) return redis.error_reply('BUSYKEY Target key name already exists.') end
redis.call('RENAME', KEYS[1], KEYS[2]) return 'OK'`;
