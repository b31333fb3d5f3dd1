"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { saveObjectsAction } from "@/server/actions/save-objects.action";
import type { SourceDatabases } from "@/contracts/source-databases.types";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "@/components/ui/use-action-mutation";
import type { TConflictMode, TKeyFilter } from "@/contracts/task.types";
import { KeyFilterFields, keyFilterError, patternsOf } from "./key-filter-fields";
import { DbPicker } from "./db-picker";
import { RadioGroup } from "./radio-group";
import { WizardNav } from "./wizard-frame";

/** Step 3: "Select the processing mode of conflicting tables" and "Select the objects to be synchronized". */
export function ObjectsForm({
  taskId,
  initial,
  databases,
  destinationCluster,
}: {
  taskId: string;
  initial: { conflictMode: TConflictMode; selectedDbs: number[]; dbMap: Record<string, number>; keyFilter: TKeyFilter };
  databases: SourceDatabases;
  destinationCluster: boolean;
}) {
  const router = useRouter();
  const [conflictMode, setConflictMode] = useState<TConflictMode>(initial.conflictMode);
  const [selected, setSelected] = useState<number[]>(initial.selectedDbs.filter((db) => db < databases.count));
  const [targets, setTargets] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(initial.dbMap).map(([k, v]) => [k, String(v)])));
  const [error, setError] = useState<string | null>(null);
  const [patterns, setPatterns] = useState({ include: initial.keyFilter.include.join("\n"), exclude: initial.keyFilter.exclude.join("\n") });
  const save = useActionMutation(saveObjectsAction, { onSuccess: (data) => router.push(data.next) });

  const targetOf = (db: number) => (destinationCluster ? "0" : (targets[String(db)] ?? String(db)));
  const mappingErrors = selected.filter((db) => !/^\d{1,5}$/.test(targetOf(db).trim()) || Number(targetOf(db)) > 65535);
  const merged = new Set(selected.map(targetOf)).size < selected.length;

  function submit(direction: "next" | "back") {
    if (direction === "next" && selected.length === 0) return setError("Move at least one database to the Selected list.");
    if (mappingErrors.length > 0) return setError(`Enter a destination database number (0-65535) for ${mappingErrors.map((d) => `db${d}`).join(", ")}.`);
    const keyFilter = { include: patternsOf(patterns.include), exclude: patternsOf(patterns.exclude) };
    const filterProblem = keyFilterError(keyFilter);
    if (filterProblem) return setError(filterProblem);
    setError(null);
    const dbMap = Object.fromEntries(selected.map((db) => [String(db), Number(targetOf(db))]));
    save.mutate(
      { id: taskId, conflictMode, selectedDbs: selected.length ? selected : initial.selectedDbs, dbMap, keyFilter, direction },
      { onError: (e) => setError(e.message) },
    );
  }

  return (
    <div className="space-y-5">
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <RadioGroup
          legend="Select the processing mode of conflicting tables"
          name="conflictMode"
          value={conflictMode}
          onChange={setConflictMode}
          options={[
            { value: "intercept", label: "Pre-check and Intercept", description: "The precheck verifies that the destination databases are empty; if one is not, the task cannot start." },
            { value: "ignore", label: "Ignore", description: "Skips the check for empty destination databases." },
          ]}
        />
        {conflictMode === "ignore" && (
          <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            <span className="font-semibold">Warning:</span> with Ignore, the data records in the source database overwrite the data records that have the same keys in the destination database.
          </p>
        )}
      </section>

      <section aria-labelledby="objects-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <div>
          <h3 id="objects-title" className="text-sm font-medium text-slate-800">
            Select the objects to be synchronized
          </h3>
          <p className="mt-0.5 text-xs text-slate-600">
            Mark databases in Available and click Add to Selected (Remove moves them back). Narrow the keys of the selected databases with the key filter below.
            {databases.sourceCluster && " A source cluster has only database 0."}
          </p>
          {databases.note && <p className="mt-1 text-xs text-amber-800">{databases.note}</p>}
        </div>
        <DbPicker
          count={databases.count}
          keys={databases.keys}
          selected={selected}
          onChange={(dbs) => {
            setSelected(dbs);
            setError(null);
          }}
        />
      </section>

      <KeyFilterFields
        taskId={taskId}
        include={patterns.include}
        exclude={patterns.exclude}
        onChange={(next) => {
          setPatterns(next);
          setError(null);
        }}
      />

      {selected.length > 0 && (
        <section aria-labelledby="mapping-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
          <div>
            <h3 id="mapping-title" className="text-sm font-medium text-slate-800">
              Database mapping
            </h3>
            <p className="mt-0.5 text-xs text-slate-600">
              {destinationCluster
                ? "The destination is a cluster, which has only database 0: every selected database is written there."
                : "Each source database is written to the destination database of the same number unless you change it."}
              {merged && " Several source databases go to one destination database: keys of the same name overwrite each other."}
            </p>
          </div>
          <ul className="grid gap-2 sm:grid-cols-2 xl:grid-cols-3">
            {selected.map((db) => (
              <li key={db} className="flex items-center gap-2 text-sm">
                <span className="w-24 shrink-0 text-slate-700">Source db{db}</span>
                <span aria-hidden className="text-slate-400">
                  →
                </span>
                <label className="flex items-center gap-1.5">
                  <span className="text-slate-700">destination db</span>
                  <input
                    aria-label={`Destination database for db${db}`}
                    value={targetOf(db)}
                    disabled={destinationCluster}
                    inputMode="numeric"
                    maxLength={5}
                    onChange={(e) => setTargets((t) => ({ ...t, [String(db)]: e.target.value }))}
                    className={`w-20 rounded-md border px-2 py-1 text-sm disabled:bg-slate-100 disabled:text-slate-600 ${mappingErrors.includes(db) ? "border-red-400" : "border-slate-300"}`}
                  />
                </label>
              </li>
            ))}
          </ul>
        </section>
      )}

      <WizardNav
        back={
          <Button variant="secondary" disabled={save.isPending} onClick={() => submit("back")}>
            Back
          </Button>
        }
        note={
          error && (
            <p role="alert" className="text-red-700">
              {error}
            </p>
          )
        }
      >
        <Button disabled={save.isPending} onClick={() => submit("next")}>
          {save.isPending ? "Saving…" : "Next"}
        </Button>
      </WizardNav>
    </div>
  );
}
