// Lives in server/preview/sample, where the preview's sample data is drawn with it.
export { seededRandom } from '../../server/preview/sample/random.ts';
