// seek-bzip ships no types; this is the one function hotpatch calls.
declare module 'seek-bzip' {
  const Bunzip: { decode(input: Buffer, output?: Buffer, multistream?: boolean): Buffer };
  export default Bunzip;
}
