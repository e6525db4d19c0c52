"""A sharded index: ordinary local indexes under index/shards/NN/, answering exactly as one."""
