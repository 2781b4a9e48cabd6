/** btrfs options that apply to the whole filesystem (docs/knowledge/btrfs.md §1); everything else is per mount. */
export const FS_WIDE_OPTION = /^(compress(-force)?(=.*)?|nodatacow|datacow|nodatasum|datasum|autodefrag|noautodefrag|ssd|nossd|ssd_spread|discard(=.*)?|nodiscard|space_cache(=.*)?|nospace_cache|commit=.*|max_inline=.*|flushoncommit|noflushoncommit)$/;
