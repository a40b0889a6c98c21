// Generates the three resource workbooks of a campaign (facilities, users, targets) for a boundary
// hierarchy, deterministically from a seed, optionally with planted defects.
import {
  EMPLOYMENT_TYPES,
  FACILITY_COLUMN_LABELS,
  FACILITY_SHEET,
  FACILITY_STATUSES,
  FACILITY_TYPES,
  FacilityColumn,
  MAX_SHEET_NAME_LENGTH,
  TARGET_BOUNDARY_CODE_LABEL,
  TargetColumn,
  USER_COLUMN_LABELS,
  USER_ROLES,
  USER_SHEET,
  UserColumn,
  type ProjectType,
} from '@campaign-pipeline/shared';
import { ancestryOf, leavesUnder, type BoundaryHierarchy } from '../seed/hierarchy.ts';
import { createRandom, type Random } from '../seed/random.ts';
import {
  assignDefects,
  UNKNOWN_BOUNDARY_CODE,
  type DefectRequest,
  type FacilityDefect,
  type PlantedDefect,
  type TargetDefect,
  type UserDefect,
} from './defects.ts';
import { writeWorkbook, type CellValue, type SheetSpec } from './workbook.ts';

export interface CampaignSheetOptions {
  hierarchy: BoundaryHierarchy;
  projectType: ProjectType;
  /** Roots of the campaign's boundaries (everything under them is in); default the hierarchy's root. */
  boundaries?: readonly string[];
  facilities?: number;
  users?: number;
  /** How many facility / user rows are Inactive (the rest are Active). */
  inactiveFacilities?: number;
  inactiveUsers?: number;
  /** How many users (the first rows) each name up to WIDE_USER_BOUNDARIES localities: supervisors of an area. */
  wideUsers?: number;
  /** Boundary type whose boundaries each get a target sheet; default DISTRICT. */
  splitBoundaryType?: string;
  seed?: number;
  defects?: DefectRequest;
}

export interface CampaignSheets {
  facility: Buffer;
  user: Buffer;
  target: Buffer;
  filenames: { facility: string; user: string; target: string };
  counts: { facilities: number; users: number; targetRows: number; targetSheets: number };
  /** Where planted defects are; empty unless defects were requested. */
  defects: PlantedDefect[];
}

export async function generateCampaignSheets(options: CampaignSheetOptions): Promise<CampaignSheets> {
  const seed = options.seed ?? 1;
  const roots = options.boundaries ?? [options.hierarchy.root.code];
  const leaves = leavesUnder(options.hierarchy, roots);
  if (leaves.length === 0) throw new Error('the campaign boundaries hold no boundary');
  const defects: PlantedDefect[] = [];
  const facilities = facilityRows(options, leaves, createRandom(seed), defects);
  const users = userRows(options, leaves, createRandom(seed + 1), defects);
  const targets = targetSheets(options, leaves, createRandom(seed + 2), defects);
  const tag = options.projectType.code;
  return {
    facility: await writeWorkbook([facilities]),
    user: await writeWorkbook([users]),
    target: await writeWorkbook(targets.sheets),
    filenames: { facility: `facility-${tag}.xlsx`, user: `user-${tag}.xlsx`, target: `target-${tag}.xlsx` },
    counts: {
      facilities: options.facilities ?? 10,
      users: options.users ?? 10,
      targetRows: leaves.length,
      targetSheets: targets.sheets.length,
    },
    defects,
  };
}

const FACILITY_KEYS = [
  FacilityColumn.code,
  FacilityColumn.name,
  FacilityColumn.type,
  FacilityColumn.status,
  FacilityColumn.capacity,
  FacilityColumn.boundaryCodes,
  FacilityColumn.usage,
];
const NAME_PARTS = ['Central', 'North', 'South', 'East', 'West', 'River', 'Hill', 'Market', 'Lake', 'Valley'];

function facilityRows(
  options: CampaignSheetOptions,
  leaves: readonly string[],
  random: Random,
  planted: PlantedDefect[],
): SheetSpec {
  const count = options.facilities ?? 10;
  const order = shuffledIndexes(count, random);
  const defects = assignDefects<FacilityDefect>(options.defects?.facility, order);
  const inactive = new Set(order.slice(defects.size, defects.size + (options.inactiveFacilities ?? 0)));
  const cleanRow = order[count - 1] ?? 0;
  const nameOf = (i: number): string =>
    `${NAME_PARTS[i % NAME_PARTS.length]} Facility ${String(i + 1).padStart(6, '0')}`;
  const rows: CellValue[][] = [];
  for (let i = 0; i < count; i++) {
    const boundaries =
      random.next() < 0.2 ? [random.pick(leaves), random.pick(leaves)] : [random.pick(leaves)];
    const row: Record<string, CellValue> = {
      [FacilityColumn.code]: null,
      [FacilityColumn.name]: nameOf(i),
      [FacilityColumn.type]: random.pick(FACILITY_TYPES),
      [FacilityColumn.status]: random.pick(FACILITY_STATUSES),
      [FacilityColumn.capacity]: random.int(100, 100_000),
      [FacilityColumn.boundaryCodes]: [...new Set(boundaries)].join(','),
      [FacilityColumn.usage]: inactive.has(i) ? 'Inactive' : 'Active',
    };
    const defect = defects.get(i);
    if (defect) {
      applyFacilityDefect(row, defect, nameOf(cleanRow));
      planted.push({ resource: 'facility', sheet: FACILITY_SHEET, row: i + 3, defect });
    }
    rows.push(FACILITY_KEYS.map((key) => row[key] ?? null));
  }
  return {
    name: FACILITY_SHEET,
    keys: FACILITY_KEYS,
    labels: FACILITY_KEYS.map((k) => FACILITY_COLUMN_LABELS[k] ?? k),
    rows,
  };
}

function applyFacilityDefect(
  row: Record<string, CellValue>,
  defect: FacilityDefect,
  cleanName: string,
): void {
  const change: Record<FacilityDefect, [string, CellValue]> = {
    missingName: [FacilityColumn.name, null],
    duplicateName: [FacilityColumn.name, cleanName],
    invalidType: [FacilityColumn.type, 'Hospital Ship'],
    invalidStatus: [FacilityColumn.status, 'Sometimes'],
    invalidCapacity: [FacilityColumn.capacity, 0],
    unknownBoundary: [FacilityColumn.boundaryCodes, UNKNOWN_BOUNDARY_CODE],
    missingBoundary: [FacilityColumn.boundaryCodes, null],
    invalidUsage: [FacilityColumn.usage, 'Maybe'],
  };
  const [key, value] = change[defect];
  row[key] = value;
}

const USER_KEYS = [
  UserColumn.name,
  UserColumn.phone,
  UserColumn.role,
  UserColumn.employmentType,
  UserColumn.usage,
  UserColumn.boundaryCodes,
  UserColumn.userName,
  UserColumn.userServiceUuid,
];
const FIRST_NAMES = [
  'Ana',
  'Joao',
  'Maria',
  'Carlos',
  'Fatima',
  'Luis',
  'Rosa',
  'Paulo',
  'Ines',
  'Tomas',
  'Celia',
  'Rui',
];
const LAST_NAMES = [
  'Machava',
  'Sitoe',
  'Cossa',
  'Mondlane',
  'Nhantumbo',
  'Chissano',
  'Tembe',
  'Mabunda',
  'Langa',
];

/** Localities a wide user names (all of them in a hierarchy with fewer). */
const WIDE_USER_BOUNDARIES = 50;

function userRows(
  options: CampaignSheetOptions,
  leaves: readonly string[],
  random: Random,
  planted: PlantedDefect[],
): SheetSpec {
  const count = options.users ?? 10;
  const order = shuffledIndexes(count, random);
  const defects = assignDefects<UserDefect>(options.defects?.user, order);
  const inactive = new Set(order.slice(defects.size, defects.size + (options.inactiveUsers ?? 0)));
  const cleanRow = order[count - 1] ?? 0;
  const phoneOf = uniquePhones(options.seed ?? 1);
  const districts = districtsOf(options.hierarchy, leaves);
  const rows: CellValue[][] = [];
  for (let i = 0; i < count; i++) {
    const role = random.pick(USER_ROLES);
    const boundary =
      i < (options.wideUsers ?? 0)
        ? leaves.slice(0, WIDE_USER_BOUNDARIES).join(',')
        : role === 'DISTRICT_SUPERVISOR' && districts.length > 0
          ? random.pick(districts)
          : random.pick(leaves);
    const row: Record<string, CellValue> = {
      [UserColumn.name]: `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`,
      [UserColumn.phone]: phoneOf(i),
      [UserColumn.role]: role,
      [UserColumn.employmentType]: random.pick(EMPLOYMENT_TYPES),
      [UserColumn.usage]: inactive.has(i) ? 'Inactive' : 'Active',
      [UserColumn.boundaryCodes]: boundary,
      [UserColumn.userName]: null,
      [UserColumn.userServiceUuid]: null,
    };
    const defect = defects.get(i);
    if (defect) {
      applyUserDefect(row, defect, phoneOf(cleanRow));
      planted.push({ resource: 'user', sheet: USER_SHEET, row: i + 3, defect });
    }
    rows.push(USER_KEYS.map((key) => row[key] ?? null));
  }
  return {
    name: USER_SHEET,
    keys: USER_KEYS,
    labels: USER_KEYS.map((k) => USER_COLUMN_LABELS[k] ?? k),
    rows,
  };
}

function applyUserDefect(row: Record<string, CellValue>, defect: UserDefect, cleanPhone: string): void {
  const change: Record<UserDefect, [string, CellValue]> = {
    missingName: [UserColumn.name, null],
    shortName: [UserColumn.name, 'A'],
    invalidPhone: [UserColumn.phone, '12345'],
    duplicatePhone: [UserColumn.phone, cleanPhone],
    invalidRole: [UserColumn.role, 'ASTRONAUT'],
    invalidEmploymentType: [UserColumn.employmentType, 'Forever'],
    unknownBoundary: [UserColumn.boundaryCodes, UNKNOWN_BOUNDARY_CODE],
    missingBoundary: [UserColumn.boundaryCodes, null],
    invalidUserName: [UserColumn.userName, '1 bad name'],
    invalidUsage: [UserColumn.usage, 'Maybe'],
  };
  const [key, value] = change[defect];
  row[key] = value;
}

/** 10-digit phones, distinct for every index: an affine map modulo 10^9 with a multiplier coprime to it. */
export function uniquePhones(seed: number): (index: number) => string {
  const offset = (Math.abs(Math.floor(seed)) * 982_451_653) % 1_000_000_000;
  return (index) => String(6_000_000_000 + ((index * 7_777_777 + offset) % 1_000_000_000));
}

function targetSheets(
  options: CampaignSheetOptions,
  leaves: readonly string[],
  random: Random,
  planted: PlantedDefect[],
): { sheets: SheetSpec[] } {
  const { hierarchy, projectType } = options;
  const splitType = options.splitBoundaryType ?? 'DISTRICT';
  const splitDepth = hierarchy.levels.findIndex((level) => level.boundaryType === splitType);
  if (splitDepth < 0) throw new Error(`no ${splitType} level in the hierarchy`);
  const levelKeys = hierarchy.levels.map((level) => level.boundaryType);
  const targetKeys = projectType.targetColumns.map((column) => column.key);
  const keys = [...levelKeys, TargetColumn.boundaryCode, ...targetKeys];
  const labels = [
    ...levelKeys.map(humanise),
    TARGET_BOUNDARY_CODE_LABEL,
    ...projectType.targetColumns.map(targetLabel),
  ];
  const groups = new Map<string, string[][]>();
  for (const leaf of leaves) {
    const path = ancestryOf(hierarchy, leaf);
    const group = path[splitDepth] ?? path[path.length - 1] ?? leaf;
    const list = groups.get(group) ?? [];
    list.push(path);
    groups.set(group, list);
  }
  const order = shuffledIndexes(leaves.length, random);
  const defects = assignDefects<TargetDefect>(options.defects?.target, order);
  const required = projectType.targetColumns.findIndex((column) => column.required);
  let index = 0;
  const sheets: SheetSpec[] = [];
  for (const [group, paths] of groups) {
    const name = group.slice(0, MAX_SHEET_NAME_LENGTH);
    const rows: CellValue[][] = paths.map((path, rowInSheet) => {
      const targets: CellValue[] = projectType.targetColumns.map((column) =>
        column.required ? random.int(100, 5_000) : random.int(0, 2_000),
      );
      const row: CellValue[] = [
        ...levelKeys.map((_, depth) => path[depth] ?? null),
        path[path.length - 1] ?? null,
        ...targets,
      ];
      const defect = defects.get(index++);
      if (defect) {
        const at = levelKeys.length + 1 + Math.max(0, required);
        if (defect === 'unknownBoundary') row[levelKeys.length] = UNKNOWN_BOUNDARY_CODE;
        else
          row[at] = { missingTarget: null, zeroTarget: 0, nonIntegerTarget: 12.5, targetTooLarge: 1_000_001 }[
            defect
          ];
        planted.push({ resource: 'boundaryWithTarget', sheet: name, row: rowInSheet + 3, defect });
      }
      return row;
    });
    sheets.push({ name, keys, labels, rows });
  }
  return { sheets };
}

function districtsOf(hierarchy: BoundaryHierarchy, leaves: readonly string[]): string[] {
  const depth = hierarchy.levels.findIndex((level) => level.boundaryType === 'DISTRICT');
  if (depth < 0) return [];
  return [
    ...new Set(leaves.map((leaf) => ancestryOf(hierarchy, leaf)[depth]).filter((c): c is string => !!c)),
  ];
}

function humanise(type: string): string {
  return type
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function targetLabel(column: { key: string; beneficiaryType: string; required: boolean }): string {
  const base = `Target (${humanise(column.beneficiaryType)})`;
  return column.key === TargetColumn.target
    ? `${base} (Mandatory)`
    : `${base} ${column.key.replace(`${TargetColumn.target}_`, '')}`;
}

/** Row indexes in a seeded random order (Fisher–Yates). */
function shuffledIndexes(count: number, random: Random): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  return order;
}
