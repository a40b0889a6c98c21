// Product variants the product service knows, with ids in DIGIT's idgen style (PVAR-2026-01-01-000001).

export interface ProductVariant {
  id: string;
  tenantId: string;
  productId: string;
  sku: string;
  variation: string;
  additionalFields: null;
  isDeleted: boolean;
  rowVersion: number;
  auditDetails: { createdBy: string; lastModifiedBy: string; createdTime: number; lastModifiedTime: number };
}

const CATALOGUE = [
  { product: 'Bednet', sku: 'Bednet - Grade-1', variation: 'Grade-1' },
  { product: 'SPAQ', sku: 'SPAQ - 150 mg', variation: '150 mg' },
  { product: 'SPAQ', sku: 'SPAQ - 500 mg', variation: '500 mg' },
  { product: 'Paracetamol', sku: 'Paracetamol - 250 mg', variation: '250 mg' },
  { product: 'Bednet', sku: 'Bednet - Grade-2', variation: 'Grade-2' },
] as const;

const SEED_TIME = Date.UTC(2026, 0, 1);
const SEED_USER = '00000000-0000-4000-8000-000000000001';

export function generateProductVariants(
  tenantId: string,
  count: number = CATALOGUE.length,
): ProductVariant[] {
  const productIds = new Map<string, string>();
  return Array.from({ length: count }, (_, i) => {
    const item = CATALOGUE[i % CATALOGUE.length] ?? CATALOGUE[0];
    let productId = productIds.get(item.product);
    if (!productId) {
      productId = `P-2026-01-01-${String(productIds.size + 1).padStart(6, '0')}`;
      productIds.set(item.product, productId);
    }
    return {
      id: `PVAR-2026-01-01-${String(i + 1).padStart(6, '0')}`,
      tenantId,
      productId,
      sku: i < CATALOGUE.length ? item.sku : `${item.sku} #${i + 1}`,
      variation: item.variation,
      additionalFields: null,
      isDeleted: false,
      rowVersion: 1,
      auditDetails: {
        createdBy: SEED_USER,
        lastModifiedBy: SEED_USER,
        createdTime: SEED_TIME,
        lastModifiedTime: SEED_TIME,
      },
    };
  });
}
