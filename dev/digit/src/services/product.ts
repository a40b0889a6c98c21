// Product service: product variant search by id, product id, sku or variation.
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../http/envelope.ts';
import { isRecord, requirePage, stringList, text } from '../http/request.ts';
import { digitPost } from '../http/routes.ts';
import type { SimulatorState } from '../state/simulator-state.ts';

export function registerProductService(app: FastifyInstance, state: SimulatorState): void {
  digitPost(app, '/product/variant/v1/_search', (digit, query) => {
    const { tenantId, limit, offset } = requirePage(query);
    const criteria = digit.body.ProductVariant;
    if (!isRecord(criteria)) throw badRequest('NotNull.productVariant', 'ProductVariant must not be null');
    const ids = stringList(criteria.id);
    const productIds = new Set(stringList(criteria.productId));
    const sku = text(criteria.sku);
    const variation = text(criteria.variation);
    const rootTenant = tenantId.split('.')[0];
    const candidates =
      ids.length > 0 ? ids.map((id) => state.productVariants.get(id)) : [...state.productVariants.values()];
    const found = candidates.filter(
      (variant) =>
        variant !== undefined &&
        variant.tenantId.split('.')[0] === rootTenant &&
        (productIds.size === 0 || productIds.has(variant.productId)) &&
        (sku === undefined || variant.sku === sku) &&
        (variation === undefined || variant.variation === variation),
    );
    return { ProductVariant: found.slice(offset, offset + limit) };
  });
}
