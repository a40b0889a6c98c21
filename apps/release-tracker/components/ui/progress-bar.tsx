import type { Progress } from '@/lib/domain/progress';

export function ProgressBar({ progress, label }: { progress: Progress; label: string }) {
  const finished = progress.done + progress.skipped;
  return (
    <div className="grid gap-1" data-testid={`progress-${label}`}>
      <div className="flex justify-between text-xs text-slate-600">
        <span>{label}</span>
        <span>
          {finished}/{progress.total} · {progress.percentage}%
        </span>
      </div>
      <div
        className="h-2 overflow-hidden rounded-full bg-slate-200"
        role="progressbar"
        aria-label={`${label} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress.percentage}
      >
        <div className="h-full bg-green-600" style={{ width: `${progress.percentage}%` }} />
      </div>
    </div>
  );
}
