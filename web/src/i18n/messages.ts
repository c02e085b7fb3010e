// An English catalog must have exactly the keys of its Chinese one.
export type Messages<T> = { [K in keyof T]: string };
