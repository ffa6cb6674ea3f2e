package dev.shoal.engine;

import java.util.OptionalLong;

/**
 * What {@link Engine#claimWriter} returns: the new epoch this instance must attach to its writes,
 * and the last position committed under any earlier epoch (where to resume).
 */
public record WriterClaim(String writerId, long epoch, OptionalLong position, long version) {}
