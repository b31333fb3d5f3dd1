import Link from "next/link";

/** The self-hosted stand-in for the cloud console's region selector: one tab per region label. */
export function RegionTabs({ regions, active }: { regions: { label: string; tasks: number }[]; active: string | null }) {
  const total = regions.reduce((n, r) => n + r.tasks, 0);
  const tabs = [{ label: null as string | null, name: "All regions", tasks: total }, ...regions.map((r) => ({ label: r.label, name: r.label, tasks: r.tasks }))];
  if (active && !regions.some((r) => r.label === active)) tabs.push({ label: active, name: active, tasks: 0 });
  return (
    <nav aria-label="Regions" className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1 border-b border-slate-200">
        {tabs.map((tab) => {
          const selected = tab.label === active;
          return (
            <li key={tab.label ?? ""}>
              <Link
                href={tab.label ? `/?region=${encodeURIComponent(tab.label)}` : "/"}
                aria-current={selected ? "page" : undefined}
                className={`-mb-px inline-flex items-center gap-2 border-b-2 px-3 py-2 text-sm ${selected ? "border-blue-600 font-medium text-blue-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"}`}
              >
                <span className="max-w-48 truncate">{tab.name}</span>
                <span className={`rounded-full px-1.5 text-xs ${selected ? "bg-blue-100 text-blue-800" : "bg-slate-100 text-slate-600"}`}>{tab.tasks}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
