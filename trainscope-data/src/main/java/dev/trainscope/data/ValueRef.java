package dev.trainscope.data;

/**
 * Where a value lives in the event files, so that it can be read again: the run's file index, the
 * record's offset, the value's index in the event's summary, and the payload's position within
 * the record's data.
 */
record ValueRef(int file, long recordOffset, int valueIndex, int payloadOffset, int payloadLength) {}
