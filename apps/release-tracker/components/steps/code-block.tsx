'use client';

import Prism from 'prismjs';
import 'prismjs/components/prism-bash';
import 'prismjs/components/prism-sql';
import { Check, Copy } from 'lucide-react';
import { useState } from 'react';
import type { StepType } from '@/lib/db/schema';
import { Button } from '@/components/ui/button';

function highlight(code: string, type: StepType): string {
  const grammar = type === 'text' ? undefined : Prism.languages[type];
  if (!grammar) return Prism.util.encode(code) as string;
  return Prism.highlight(code, grammar, type);
}

/** Highlighted bash or SQL with line numbers and a copy button; the copied text is exactly what is shown. */
export function CodeBlock({
  code,
  type,
  showLineNumbers = true,
  label = 'Step content',
}: {
  code: string;
  type: StepType;
  showLineNumbers?: boolean;
  label?: string;
}) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const lines = code.split('\n');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(null), 2000);
  };
  return (
    <div className="relative overflow-hidden rounded-md bg-[#2d2d2d]" aria-label={label} role="group">
      <Button
        type="button"
        size="sm"
        variant="outline"
        className="absolute top-2 right-2 z-10"
        onClick={copy}
        aria-label={`Copy ${label.toLowerCase()}`}
      >
        {copied === 'yes' ? <Check className="h-3 w-3" /> : <Copy className="h-3 w-3" />}
        {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
      </Button>
      <div className="flex overflow-x-auto p-3 pr-20 font-mono text-sm leading-6">
        {showLineNumbers ? (
          <div aria-hidden className="mr-4 text-right leading-6 text-slate-500 select-none">
            {lines.map((_, index) => (
              <div key={index}>{index + 1}</div>
            ))}
          </div>
        ) : null}
        <pre className={`m-0! bg-transparent! p-0! language-${type}`}>
          <code
            className={`language-${type} whitespace-pre leading-6!`}
            data-testid="code-content"
            dangerouslySetInnerHTML={{ __html: highlight(code, type) }}
          />
        </pre>
      </div>
    </div>
  );
}
