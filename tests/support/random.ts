export { random } from '../../src/shared/random';
