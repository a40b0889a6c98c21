'use client';

import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  SortableContext,
  arrayMove,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { GripVertical } from 'lucide-react';

interface Sortable {
  id: number;
  name: string;
}

function SortableItem<T extends Sortable>({
  step,
  index,
  renderStep,
}: {
  step: T;
  index: number;
  renderStep: (step: T, index: number) => React.ReactNode;
}) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: step.id,
  });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`flex items-start gap-2 rounded-md border border-slate-200 bg-white p-2 ${isDragging ? 'z-10 shadow-lg' : ''}`}
      data-testid={`step-item-${step.name}`}
    >
      <button
        type="button"
        className="mt-1 cursor-grab rounded p-1 text-slate-400 hover:bg-slate-100 active:cursor-grabbing"
        aria-label={`Drag to reorder ${step.name}`}
        {...attributes}
        {...listeners}
      >
        <GripVertical className="h-4 w-4" />
      </button>
      <div className="min-w-0 flex-1">{renderStep(step, index)}</div>
    </li>
  );
}

/** A list reordered by dragging the handle, or with the keyboard: Space on the handle, arrows, Space. */
export function DraggableStepList<T extends Sortable>({
  steps,
  onReorder,
  renderStep,
  label,
}: {
  steps: T[];
  onReorder: (orderedIds: number[]) => void;
  renderStep: (step: T, index: number) => React.ReactNode;
  label: string;
}) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const ids = steps.map((step) => step.id);
    const moved = arrayMove(ids, ids.indexOf(Number(active.id)), ids.indexOf(Number(over.id)));
    onReorder(moved);
  };
  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
      <SortableContext items={steps.map((step) => step.id)} strategy={verticalListSortingStrategy}>
        <ol className="grid gap-2" aria-label={label}>
          {steps.map((step, index) => (
            <SortableItem key={step.id} step={step} index={index} renderStep={renderStep} />
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
}
