// The expression builder and the segment language helpers.
export { default as ExpressionBuilder, ExprError, errorPosition } from "./ExpressionBuilder";
export type { ExpressionBuilderProps } from "./ExpressionBuilder";
export { parseExpr, parseRoot, printRoot, printNode, quote, ParseError } from "./lang";
