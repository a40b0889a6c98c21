import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { relations } from 'drizzle-orm';

export const STEP_CATEGORIES = ['deploy', 'verify'] as const;
export const STEP_TYPES = ['bash', 'sql', 'text'] as const;
export const RELEASE_TYPES = ['onboarding', 'release', 'hotfix'] as const;
export const RELEASE_STATUSES = ['draft', 'active', 'archived'] as const;
export const STEP_STATUSES = ['pending', 'done', 'skipped', 'reverted'] as const;
export const HISTORY_ACTIONS = ['status', 'override', 'reset', 'note', 'added', 'template-sync'] as const;

export type StepCategory = (typeof STEP_CATEGORIES)[number];
export type StepType = (typeof STEP_TYPES)[number];
export type ReleaseType = (typeof RELEASE_TYPES)[number];
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];
export type StepStatus = (typeof STEP_STATUSES)[number];
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];
export type Metadata = Record<string, unknown>;

// Millisecond timestamps keep the history timeline in the order things happened within one second.
const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);
const updatedAt = () =>
  integer('updated_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);

export const clusters = sqliteTable('clusters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  kubeconfigPath: text('kubeconfig_path'),
  description: text('description'),
  isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
  metadata: text('metadata', { mode: 'json' }).$type<Metadata>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const customers = sqliteTable(
  'customers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'restrict' }),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
    metadata: text('metadata', { mode: 'json' }).$type<Metadata>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('unique_namespace_per_cluster').on(table.clusterId, table.namespace),
    index('customers_cluster_id').on(table.clusterId),
  ],
);

export const releases = sqliteTable('releases', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  type: text('type', { enum: RELEASE_TYPES }).notNull(),
  status: text('status', { enum: RELEASE_STATUSES }).notNull().default('draft'),
  versionNumber: text('version_number'),
  releaseDate: integer('release_date', { mode: 'timestamp_ms' }),
  description: text('description'),
  metadata: text('metadata', { mode: 'json' }).$type<Metadata>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const stepTemplates = sqliteTable(
  'step_templates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    releaseId: integer('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    category: text('category', { enum: STEP_CATEGORIES }).notNull(),
    type: text('type', { enum: STEP_TYPES }).notNull(),
    content: text('content').notNull(),
    orderIndex: integer('order_index').notNull(),
    description: text('description'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('unique_order_per_release_category').on(table.releaseId, table.category, table.orderIndex),
    index('step_templates_release_id').on(table.releaseId),
  ],
);

export const customerSteps = sqliteTable(
  'customer_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    releaseId: integer('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    templateId: integer('template_id').references(() => stepTemplates.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    category: text('category', { enum: STEP_CATEGORIES }).notNull(),
    type: text('type', { enum: STEP_TYPES }).notNull(),
    content: text('content').notNull(),
    orderIndex: integer('order_index').notNull(),
    status: text('status', { enum: STEP_STATUSES }).notNull().default('pending'),
    executedAt: integer('executed_at', { mode: 'timestamp_ms' }),
    executedBy: text('executed_by'),
    skipReason: text('skip_reason'),
    notes: text('notes'),
    isCustom: integer('is_custom', { mode: 'boolean' }).notNull().default(false),
    isOverridden: integer('is_overridden', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('unique_customer_step').on(table.releaseId, table.customerId, table.templateId),
    index('customer_steps_release_id').on(table.releaseId),
    index('customer_steps_customer_id').on(table.customerId),
  ],
);

// Every status change, override, reset and note on a customer step, with who did it and when.
export const stepHistory = sqliteTable(
  'step_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerStepId: integer('customer_step_id')
      .notNull()
      .references(() => customerSteps.id, { onDelete: 'cascade' }),
    action: text('action', { enum: HISTORY_ACTIONS }).notNull(),
    fromStatus: text('from_status', { enum: STEP_STATUSES }),
    toStatus: text('to_status', { enum: STEP_STATUSES }),
    detail: text('detail'),
    operator: text('operator').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('step_history_customer_step_id').on(table.customerStepId)],
);

// Small key/value facts about the database itself, such as whether the example was seeded.
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const clustersRelations = relations(clusters, ({ many }) => ({ customers: many(customers) }));
export const customersRelations = relations(customers, ({ one, many }) => ({
  cluster: one(clusters, { fields: [customers.clusterId], references: [clusters.id] }),
  steps: many(customerSteps),
}));
export const releasesRelations = relations(releases, ({ many }) => ({
  templates: many(stepTemplates),
  customerSteps: many(customerSteps),
}));
export const stepTemplatesRelations = relations(stepTemplates, ({ one, many }) => ({
  release: one(releases, { fields: [stepTemplates.releaseId], references: [releases.id] }),
  customerSteps: many(customerSteps),
}));
export const customerStepsRelations = relations(customerSteps, ({ one, many }) => ({
  release: one(releases, { fields: [customerSteps.releaseId], references: [releases.id] }),
  customer: one(customers, { fields: [customerSteps.customerId], references: [customers.id] }),
  template: one(stepTemplates, { fields: [customerSteps.templateId], references: [stepTemplates.id] }),
  history: many(stepHistory),
}));
export const stepHistoryRelations = relations(stepHistory, ({ one }) => ({
  step: one(customerSteps, { fields: [stepHistory.customerStepId], references: [customerSteps.id] }),
}));

export type Cluster = typeof clusters.$inferSelect;
export type NewCluster = typeof clusters.$inferInsert;
export type Customer = typeof customers.$inferSelect;
export type NewCustomer = typeof customers.$inferInsert;
export type Release = typeof releases.$inferSelect;
export type NewRelease = typeof releases.$inferInsert;
export type StepTemplate = typeof stepTemplates.$inferSelect;
export type NewStepTemplate = typeof stepTemplates.$inferInsert;
export type CustomerStep = typeof customerSteps.$inferSelect;
export type NewCustomerStep = typeof customerSteps.$inferInsert;
export type StepHistoryEntry = typeof stepHistory.$inferSelect;
