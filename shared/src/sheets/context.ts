// What a campaign's sheets are checked against: its boundaries and its project type's target columns.
import type { TargetColumnDefinition } from '../domain/project-type.ts';

/**
 * Every boundary of the campaign, all levels (facilities and users may name any of them), and among them
 * the lowest-level boundaries, each of which needs exactly one row of targets. Kept compact for 100,000
 * boundaries: one map from each code to its place among the lowest-level ones (-1 for a boundary above
 * them), so a target sheet marks the rows it found in an array by that place instead of a second map of
 * codes.
 */
export class CampaignBoundaries {
  readonly #leafPlaces = new Map<string, number>();
  readonly #leaves: string[] = [];

  constructor(codes: Iterable<string>, leafCodes: Iterable<string>) {
    for (const code of leafCodes) {
      if (this.#leafPlaces.has(code)) continue;
      this.#leafPlaces.set(code, this.#leaves.length);
      this.#leaves.push(code);
    }
    for (const code of codes) if (!this.#leafPlaces.has(code)) this.#leafPlaces.set(code, -1);
  }

  /** From the campaign's boundaries as selected, each marked lowest-level or not. */
  static of(boundaries: readonly { code: string; isLeaf: boolean }[]): CampaignBoundaries {
    return new CampaignBoundaries(
      boundaries.map((boundary) => boundary.code),
      boundaries.filter((boundary) => boundary.isLeaf).map((boundary) => boundary.code),
    );
  }

  has(code: string): boolean {
    return this.#leafPlaces.has(code);
  }

  /** The place of a lowest-level boundary among them (0 up to leafCount); undefined for any other code. */
  leafPlace(code: string): number | undefined {
    const place = this.#leafPlaces.get(code);
    return place === undefined || place < 0 ? undefined : place;
  }

  get leafCount(): number {
    return this.#leaves.length;
  }

  /** The lowest-level boundary at a place. */
  leafAt(place: number): string {
    return this.#leaves[place] as string;
  }
}

export interface SheetValidationContext {
  boundaries: CampaignBoundaries;
  /** The hierarchy's boundary types, top level first: the level columns of a target sheet. */
  boundaryTypes: readonly string[];
  targetColumns: readonly TargetColumnDefinition[];
  /** An update's target sheet may leave lowest-level boundaries out: their projects are deactivated. */
  partialTargets?: boolean;
}
