package dev.trainscope.events.proto;

/**
 * TensorFlow's {@code DataType} codes ({@code tensorboard/compat/proto/types.proto}) that event
 * files use, with the width of one element in {@code tensor_content} (0 for variable-width types).
 */
public enum DataType {
  DT_INVALID(0, 0),
  DT_FLOAT(1, 4),
  DT_DOUBLE(2, 8),
  DT_INT32(3, 4),
  DT_UINT8(4, 1),
  DT_INT16(5, 2),
  DT_INT8(6, 1),
  DT_STRING(7, 0),
  DT_COMPLEX64(8, 8),
  DT_INT64(9, 8),
  DT_BOOL(10, 1),
  DT_QINT8(11, 1),
  DT_QUINT8(12, 1),
  DT_QINT32(13, 4),
  DT_BFLOAT16(14, 2),
  DT_QINT16(15, 2),
  DT_QUINT16(16, 2),
  DT_UINT16(17, 2),
  DT_COMPLEX128(18, 16),
  DT_HALF(19, 2),
  DT_RESOURCE(20, 0),
  DT_VARIANT(21, 0),
  DT_UINT32(22, 4),
  DT_UINT64(23, 8);

  private static final DataType[] BY_CODE = new DataType[24];

  static {
    for (DataType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int width;

  DataType(int code, int width) {
    this.code = code;
    this.width = width;
  }

  public int code() {
    return code;
  }

  /** Bytes per element in {@code tensor_content}; 0 when elements have no fixed width. */
  public int width() {
    return width;
  }

  /** True for types whose elements read as one real number. */
  public boolean isRealNumber() {
    switch (this) {
      case DT_FLOAT: case DT_DOUBLE: case DT_INT32: case DT_UINT8: case DT_INT16: case DT_INT8:
      case DT_INT64: case DT_BOOL: case DT_BFLOAT16: case DT_UINT16: case DT_HALF: case DT_UINT32:
      case DT_UINT64: case DT_QINT8: case DT_QUINT8: case DT_QINT32: case DT_QINT16: case DT_QUINT16:
        return true;
      default:
        return false;
    }
  }

  /**
   * The type for a code; reference types (code + 100) map to their base type; unknown codes give
   * {@link #DT_INVALID}.
   */
  public static DataType of(int code) {
    int c = code > 100 ? code - 100 : code;
    return c >= 0 && c < BY_CODE.length && BY_CODE[c] != null ? BY_CODE[c] : DT_INVALID;
  }
}
