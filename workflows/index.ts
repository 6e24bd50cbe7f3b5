// Every workflow type Sextant registers; the worker bundle is built from this file.
export { deploy } from './deploy';
export { operation } from './operation';
