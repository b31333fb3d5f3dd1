/*
 * dtstype: a minimal Redis module of our own, for testing how module data types and module commands
 * are synchronized. It declares only the few module API entry points it uses; the function pointers
 * come from the server at load time through the GetApi function whose address the server stores as
 * the first word of the load context (the module ABI, stable since Redis 4.0).
 *
 * Data type "dts-value" (9 characters, as the RDB module id needs), a byte string whose RDB form
 * depends on the encoding version. Commands (all writes replicate verbatim):
 *   DTSTYPE.SET key value          DTSTYPE.APPEND key value        DTSTYPE.GET key
 *   DTSTYPE.MERGE dst numkeys src [src ...]   dst = the sources concatenated; declared with key specs
 *                                             (Redis 7+), so only COMMAND INFO tells where its keys are
 *   DTSTYPE.FILL value key [key ...]          every key = value; declared "getkeys-api" with no key
 *                                             positions, so only COMMAND GETKEYS tells where its keys are
 *
 * Build: gcc -shared -fPIC -O2 -o dtstype.so dtstype.c [-DDTSTYPE_VERSION=n]
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#ifndef DTSTYPE_VERSION
#define DTSTYPE_VERSION 1
#endif
#ifndef DTSTYPE_ENCVER
#define DTSTYPE_ENCVER 1
#endif

/* ---- our declarations of the module ABI (values from the public module API documentation) ---- */
#define OK 0
#define ERR 1
#define APIVER_1 1
#define MODE_READ (1 << 0)
#define MODE_WRITE (1 << 1)
#define KEYTYPE_EMPTY 0
#define KEYTYPE_MODULE 6

typedef struct Ctx Ctx;
typedef struct Str Str;
typedef struct Key Key;
typedef struct IO IO;
typedef struct Type Type;
typedef struct Command Command;

typedef int (*CmdFunc)(Ctx *ctx, Str **argv, int argc);

/* RedisModuleTypeMethods, version 1: the fields every server since 4.0 reads */
typedef struct {
  uint64_t version;
  void *(*rdb_load)(IO *rdb, int encver);
  void (*rdb_save)(IO *rdb, void *value);
  void (*aof_rewrite)(IO *aof, Str *key, void *value);
  size_t (*mem_usage)(const void *value);
  void (*digest)(void *digest, void *value);
  void (*free)(void *value);
} TypeMethods;

/* key specs (Redis 7.0+ SetCommandInfo, info version 1) */
enum { BS_INVALID = 0, BS_UNKNOWN, BS_INDEX, BS_KEYWORD };
enum { FK_OMITTED = 0, FK_UNKNOWN, FK_RANGE, FK_KEYNUM };
#define KEY_RO (1ULL << 0)
#define KEY_OW (1ULL << 2)
#define KEY_ACCESS (1ULL << 4)
#define KEY_UPDATE (1ULL << 5)

typedef struct {
  const char *notes;
  uint64_t flags;
  int begin_search_type;
  union {
    struct { int pos; } index;
    struct { const char *keyword; int startfrom; } keyword;
  } bs;
  int find_keys_type;
  union {
    struct { int lastkey; int keystep; int limit; } range;
    struct { int keynumidx; int firstkey; int keystep; } keynum;
  } fk;
} KeySpec;

typedef struct { const char *since; const char *changes; } HistoryEntry;
typedef struct {
  const char *name; int type; int key_spec_index; const char *token; const char *summary; const char *since;
  int flags; const char *deprecated_since; void *subargs; const char *display_text;
} CommandArg;
typedef struct { int version; size_t sizeof_historyentry; size_t sizeof_keyspec; size_t sizeof_arg; } CommandInfoVersion;
typedef struct {
  const CommandInfoVersion *version;
  const char *summary, *complexity, *since;
  HistoryEntry *history;
  const char *tips;
  int arity;
  KeySpec *key_specs;
  CommandArg *args;
} CommandInfo;
static const CommandInfoVersion INFO_VERSION = {1, sizeof(HistoryEntry), sizeof(KeySpec), sizeof(CommandArg)};

static int (*GetApi)(const char *, void *);
static void (*SetModuleAttribs)(Ctx *, const char *, int, int);
static void *(*Alloc)(size_t);
static void *(*Realloc)(void *, size_t);
static void (*Free)(void *);
static int (*CreateCommand)(Ctx *, const char *, CmdFunc, const char *, int, int, int);
static Command *(*GetCommand)(Ctx *, const char *);
static int (*SetCommandInfo)(Command *, const CommandInfo *);
static Type *(*CreateDataType)(Ctx *, const char *, int, TypeMethods *);
static Key *(*OpenKey)(Ctx *, Str *, int);
static void (*CloseKey)(Key *);
static int (*KeyType)(Key *);
static Type *(*ModuleTypeGetType)(Key *);
static void *(*ModuleTypeGetValue)(Key *);
static int (*ModuleTypeSetValue)(Key *, Type *, void *);
static const char *(*StringPtrLen)(const Str *, size_t *);
static int (*StringToLongLong)(const Str *, long long *);
static int (*ReplyWithError)(Ctx *, const char *);
static int (*ReplyWithSimpleString)(Ctx *, const char *);
static int (*ReplyWithStringBuffer)(Ctx *, const char *, size_t);
static int (*ReplyWithNull)(Ctx *);
static int (*ReplyWithLongLong)(Ctx *, long long);
static int (*WrongArity)(Ctx *);
static int (*ReplicateVerbatim)(Ctx *);
static int (*IsKeysPositionRequest)(Ctx *);
static void (*KeyAtPos)(Ctx *, int);
static void (*SaveUnsigned)(IO *, uint64_t);
static uint64_t (*LoadUnsigned)(IO *);
static void (*SaveStringBuffer)(IO *, const char *, size_t);
static char *(*LoadStringBuffer)(IO *, size_t *);
static void (*EmitAOF)(IO *, const char *, const char *, ...);

#define API(name) (GetApi("RedisModule_" #name, (void **)&name) == OK)

/* ---- the value ---- */
typedef struct {
  char *bytes;
  size_t len;
  /* how many writes built it: saved in the RDB form of encoding version 1 */
  uint64_t writes;
} Value;

static Type *ValueType;

static Value *value_new(void) {
  Value *v = Alloc(sizeof(Value));
  v->bytes = NULL;
  v->len = 0;
  v->writes = 0;
  return v;
}

static void value_append(Value *v, const char *p, size_t n) {
  v->bytes = Realloc(v->bytes, v->len + n + 1);
  memcpy(v->bytes + v->len, p, n);
  v->len += n;
  v->writes++;
}

static void value_free(void *p) {
  Value *v = p;
  if (v->bytes) Free(v->bytes);
  Free(v);
}

static void *value_rdb_load(IO *io, int encver) {
  if (encver != DTSTYPE_ENCVER) return NULL;
  Value *v = value_new();
  v->writes = LoadUnsigned(io);
  size_t n = 0;
  char *p = LoadStringBuffer(io, &n);
  v->bytes = Alloc(n + 1);
  memcpy(v->bytes, p, n);
  v->len = n;
  Free(p);
  return v;
}

static void value_rdb_save(IO *io, void *p) {
  Value *v = p;
  SaveUnsigned(io, v->writes);
  SaveStringBuffer(io, v->bytes ? v->bytes : "", v->len);
}

static void value_aof_rewrite(IO *aof, Str *key, void *p) {
  Value *v = p;
  EmitAOF(aof, "DTSTYPE.SET", "sb", key, v->bytes ? v->bytes : "", v->len);
}

static size_t value_mem_usage(const void *p) {
  const Value *v = p;
  return sizeof(Value) + v->len;
}

/* ---- commands ---- */
static const char WRONGTYPE[] = "WRONGTYPE Operation against a key holding the wrong kind of value";

/* the key's value, a new one stored in it when empty (create), or NULL on a wrong type / no value */
static Value *value_at(Key *key, int create, int *wrongtype) {
  *wrongtype = 0;
  int t = KeyType(key);
  if (t == KEYTYPE_EMPTY) {
    if (!create) return NULL;
    Value *v = value_new();
    ModuleTypeSetValue(key, ValueType, v);
    return v;
  }
  if (t != KEYTYPE_MODULE || ModuleTypeGetType(key) != ValueType) {
    *wrongtype = 1;
    return NULL;
  }
  return ModuleTypeGetValue(key);
}

static int cmd_set(Ctx *ctx, Str **argv, int argc) {
  if (argc != 3) return WrongArity(ctx);
  Key *key = OpenKey(ctx, argv[1], MODE_READ | MODE_WRITE);
  int t = KeyType(key);
  if (t != KEYTYPE_EMPTY && (t != KEYTYPE_MODULE || ModuleTypeGetType(key) != ValueType)) {
    CloseKey(key);
    return ReplyWithError(ctx, WRONGTYPE);
  }
  Value *v = value_new();
  size_t n;
  const char *p = StringPtrLen(argv[2], &n);
  value_append(v, p, n);
  ModuleTypeSetValue(key, ValueType, v); /* frees the old value */
  CloseKey(key);
  ReplicateVerbatim(ctx);
  return ReplyWithSimpleString(ctx, "OK");
}

static int cmd_append(Ctx *ctx, Str **argv, int argc) {
  if (argc != 3) return WrongArity(ctx);
  Key *key = OpenKey(ctx, argv[1], MODE_READ | MODE_WRITE);
  int wrong;
  Value *v = value_at(key, 1, &wrong);
  if (wrong) {
    CloseKey(key);
    return ReplyWithError(ctx, WRONGTYPE);
  }
  size_t n;
  const char *p = StringPtrLen(argv[2], &n);
  value_append(v, p, n);
  long long len = (long long)v->len;
  CloseKey(key);
  ReplicateVerbatim(ctx);
  return ReplyWithLongLong(ctx, len);
}

static int cmd_get(Ctx *ctx, Str **argv, int argc) {
  if (argc != 2) return WrongArity(ctx);
  Key *key = OpenKey(ctx, argv[1], MODE_READ);
  int wrong;
  Value *v = value_at(key, 0, &wrong);
  int r = wrong ? ReplyWithError(ctx, WRONGTYPE) : v ? ReplyWithStringBuffer(ctx, v->bytes ? v->bytes : "", v->len) : ReplyWithNull(ctx);
  CloseKey(key);
  return r;
}

/* DTSTYPE.MERGE dst numkeys src...: missing sources count as empty */
static int cmd_merge(Ctx *ctx, Str **argv, int argc) {
  long long n;
  if (argc < 4) return WrongArity(ctx);
  if (StringToLongLong(argv[2], &n) != OK || n < 1 || n != argc - 3) return ReplyWithError(ctx, "ERR numkeys must be the number of source keys");
  Value *out = value_new();
  for (int i = 3; i < argc; i++) {
    Key *src = OpenKey(ctx, argv[i], MODE_READ);
    int wrong;
    Value *v = value_at(src, 0, &wrong);
    if (wrong) {
      CloseKey(src);
      value_free(out);
      return ReplyWithError(ctx, WRONGTYPE);
    }
    if (v && v->len) value_append(out, v->bytes, v->len);
    CloseKey(src);
  }
  Key *dst = OpenKey(ctx, argv[1], MODE_READ | MODE_WRITE);
  int t = KeyType(dst);
  if (t != KEYTYPE_EMPTY && (t != KEYTYPE_MODULE || ModuleTypeGetType(dst) != ValueType)) {
    CloseKey(dst);
    value_free(out);
    return ReplyWithError(ctx, WRONGTYPE);
  }
  long long len = (long long)out->len;
  ModuleTypeSetValue(dst, ValueType, out);
  CloseKey(dst);
  ReplicateVerbatim(ctx);
  return ReplyWithLongLong(ctx, len);
}

/* DTSTYPE.FILL value key...: the server asks this function itself where the keys are */
static int cmd_fill(Ctx *ctx, Str **argv, int argc) {
  if (IsKeysPositionRequest(ctx)) {
    for (int i = 2; i < argc; i++) KeyAtPos(ctx, i);
    return OK;
  }
  if (argc < 3) return WrongArity(ctx);
  size_t n;
  const char *p = StringPtrLen(argv[1], &n);
  for (int i = 2; i < argc; i++) {
    Key *key = OpenKey(ctx, argv[i], MODE_READ | MODE_WRITE);
    int t = KeyType(key);
    if (t != KEYTYPE_EMPTY && (t != KEYTYPE_MODULE || ModuleTypeGetType(key) != ValueType)) {
      CloseKey(key);
      return ReplyWithError(ctx, WRONGTYPE);
    }
    Value *v = value_new();
    value_append(v, p, n);
    ModuleTypeSetValue(key, ValueType, v);
    CloseKey(key);
  }
  ReplicateVerbatim(ctx);
  return ReplyWithLongLong(ctx, argc - 2);
}

static KeySpec MERGE_SPECS[3];

int RedisModule_OnLoad(Ctx *ctx, Str **argv, int argc) {
  (void)argv;
  (void)argc;
  GetApi = (int (*)(const char *, void *))((void **)ctx)[0];
  if (!API(SetModuleAttribs) || !API(Alloc) || !API(Realloc) || !API(Free) || !API(CreateCommand) || !API(CreateDataType) || !API(OpenKey) ||
      !API(CloseKey) || !API(KeyType) || !API(ModuleTypeGetType) || !API(ModuleTypeGetValue) || !API(ModuleTypeSetValue) || !API(StringPtrLen) ||
      !API(StringToLongLong) || !API(ReplyWithError) || !API(ReplyWithSimpleString) || !API(ReplyWithStringBuffer) || !API(ReplyWithNull) ||
      !API(ReplyWithLongLong) || !API(WrongArity) || !API(ReplicateVerbatim) || !API(IsKeysPositionRequest) || !API(KeyAtPos) ||
      !API(SaveUnsigned) || !API(LoadUnsigned) || !API(SaveStringBuffer) || !API(LoadStringBuffer) || !API(EmitAOF))
    return ERR;
  SetModuleAttribs(ctx, "dtstype", DTSTYPE_VERSION, APIVER_1);

  TypeMethods tm = {1, value_rdb_load, value_rdb_save, value_aof_rewrite, value_mem_usage, NULL, value_free};
  ValueType = CreateDataType(ctx, "dts-value", DTSTYPE_ENCVER, &tm);
  if (ValueType == NULL) return ERR;

  if (CreateCommand(ctx, "dtstype.set", cmd_set, "write deny-oom", 1, 1, 1) != OK) return ERR;
  if (CreateCommand(ctx, "dtstype.append", cmd_append, "write deny-oom", 1, 1, 1) != OK) return ERR;
  if (CreateCommand(ctx, "dtstype.get", cmd_get, "readonly", 1, 1, 1) != OK) return ERR;
  if (CreateCommand(ctx, "dtstype.fill", cmd_fill, "write deny-oom getkeys-api", 0, 0, 0) != OK) return ERR;

  /* Key specs exist since Redis 7.0; an older server gets MERGE with its first key only (then it
     cannot be routed by all its keys, which is what such a server reports). */
  int specs = API(GetCommand) && API(SetCommandInfo);
  if (CreateCommand(ctx, "dtstype.merge", cmd_merge, "write deny-oom", specs ? 0 : 1, specs ? 0 : 1, specs ? 0 : 1) != OK) return ERR;
  if (specs) {
    memset(MERGE_SPECS, 0, sizeof(MERGE_SPECS));
    MERGE_SPECS[0].flags = KEY_OW | KEY_UPDATE;
    MERGE_SPECS[0].begin_search_type = BS_INDEX;
    MERGE_SPECS[0].bs.index.pos = 1;
    MERGE_SPECS[0].find_keys_type = FK_RANGE;
    MERGE_SPECS[0].fk.range.lastkey = 0;
    MERGE_SPECS[0].fk.range.keystep = 1;
    MERGE_SPECS[1].flags = KEY_RO | KEY_ACCESS;
    MERGE_SPECS[1].begin_search_type = BS_INDEX;
    MERGE_SPECS[1].bs.index.pos = 2;
    MERGE_SPECS[1].find_keys_type = FK_KEYNUM;
    MERGE_SPECS[1].fk.keynum.keynumidx = 0;
    MERGE_SPECS[1].fk.keynum.firstkey = 1;
    MERGE_SPECS[1].fk.keynum.keystep = 1;
    CommandInfo info;
    memset(&info, 0, sizeof(info));
    info.version = &INFO_VERSION;
    info.summary = "dst = the source values concatenated";
    info.arity = -4;
    info.key_specs = MERGE_SPECS;
    if (SetCommandInfo(GetCommand(ctx, "dtstype.merge"), &info) != OK) return ERR;
  }
  return OK;
}
