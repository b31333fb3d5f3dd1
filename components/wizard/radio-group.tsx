import { useId, type ReactNode } from "react";

export interface RadioOption<V extends string> {
  value: V;
  label: string;
  description?: ReactNode;
}

/** A fieldset of radio cards: the legend names the choice, each card explains its option. */
export function RadioGroup<V extends string>({
  legend,
  name,
  value,
  onChange,
  options,
  hint,
  columns = 2,
}: {
  legend: string;
  name: string;
  value: V;
  onChange: (value: V) => void;
  options: RadioOption<V>[];
  hint?: ReactNode;
  columns?: 1 | 2;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className={`mt-1.5 grid gap-2 ${columns === 2 ? "sm:grid-cols-2" : ""}`}>
        {options.map((o) => (
          <label
            key={o.value}
            className={`flex cursor-pointer gap-2.5 rounded-md border px-3 py-2 text-sm ${value === o.value ? "border-blue-500 bg-blue-50/60 ring-1 ring-blue-500" : "border-slate-300 bg-white hover:border-slate-400"}`}
          >
            <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} className="mt-0.5 size-4 shrink-0 accent-blue-600" />
            <span className="min-w-0">
              <span className="block font-medium text-slate-900">{o.label}</span>
              {o.description && <span className="mt-0.5 block text-xs text-slate-600">{o.description}</span>}
            </span>
          </label>
        ))}
      </div>
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </fieldset>
  );
}
