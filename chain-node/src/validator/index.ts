/** The validator: derivation from L1, commitment signing, signature boards. */
export { BoardInputError, DirectorySignatureBoard, MemorySignatureBoard, type BoardSignature, type SignatureBoard } from "./board.ts";
export { Validator, ValidatorOptionError, type BatchRoots, type ChainRoots, type RootsProvider, type ValidatorOptions, type ValidatorStep } from "./validator.ts";
