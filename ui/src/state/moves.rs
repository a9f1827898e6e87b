//! Roving focus inside composite widgets: where an arrow, Home or End key moves focus in the card
//! grid (stopping at the edges) and in the chips' radio group (wrapping around).

/// A key that moves focus inside a composite widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Left,
    Right,
    Up,
    Down,
    /// Home: the start of the row (grid) or the first item (chips).
    RowStart,
    /// End: the end of the row (grid) or the last item (chips).
    RowEnd,
    /// Ctrl+Home.
    First,
    /// Ctrl+End.
    Last,
}

impl Move {
    /// The move for a `KeyboardEvent.key`, if it is one.
    pub fn from_key(key: &str, ctrl: bool) -> Option<Move> {
        Some(match key {
            "ArrowLeft" => Move::Left,
            "ArrowRight" => Move::Right,
            "ArrowUp" => Move::Up,
            "ArrowDown" => Move::Down,
            "Home" if ctrl => Move::First,
            "End" if ctrl => Move::Last,
            "Home" => Move::RowStart,
            "End" => Move::RowEnd,
            _ => return None,
        })
    }
}

/// Where the card grid's focus goes from `index`, with `columns` as rendered. Moves stop at the
/// edges (no wrapping), as the grid pattern of the ARIA practices asks.
pub fn grid_move(index: usize, len: usize, columns: usize, key: Move) -> usize {
    if len == 0 {
        return 0;
    }
    let columns = columns.max(1);
    let index = index.min(len - 1);
    let row_start = index - index % columns;
    match key {
        Move::Left if index > row_start => index - 1,
        Move::Right if index + 1 < len && index + 1 < row_start + columns => index + 1,
        Move::Up if index >= columns => index - columns,
        Move::Down if index + columns < len => index + columns,
        Move::RowStart => row_start,
        Move::RowEnd => (row_start + columns - 1).min(len - 1),
        Move::First => 0,
        Move::Last => len - 1,
        _ => index,
    }
}

/// Where a radio group's selection goes: arrows wrap around, Home and End jump to the ends.
pub fn chip_move(index: usize, len: usize, key: Move) -> usize {
    if len == 0 {
        return 0;
    }
    match key {
        Move::Left | Move::Up => (index + len - 1) % len,
        Move::Right | Move::Down => (index + 1) % len,
        Move::RowStart | Move::First => 0,
        Move::RowEnd | Move::Last => len - 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_moves_stop_at_the_edges() {
        // 10 cards in 4 columns: rows 0-3, 4-7, 8-9.
        assert_eq!(grid_move(0, 10, 4, Move::Left), 0);
        assert_eq!(grid_move(3, 10, 4, Move::Right), 3);
        assert_eq!(grid_move(2, 10, 4, Move::Right), 3);
        assert_eq!(grid_move(1, 10, 4, Move::Up), 1);
        assert_eq!(grid_move(1, 10, 4, Move::Down), 5);
        assert_eq!(grid_move(5, 10, 4, Move::Down), 9);
        assert_eq!(grid_move(6, 10, 4, Move::Down), 6);
        assert_eq!(grid_move(9, 10, 4, Move::Right), 9);
        assert_eq!(grid_move(6, 10, 4, Move::RowStart), 4);
        assert_eq!(grid_move(5, 10, 4, Move::RowEnd), 7);
        assert_eq!(grid_move(8, 10, 4, Move::RowEnd), 9);
        assert_eq!(grid_move(6, 10, 4, Move::First), 0);
        assert_eq!(grid_move(2, 10, 4, Move::Last), 9);
        assert_eq!(grid_move(0, 0, 4, Move::Down), 0);
        assert_eq!(grid_move(0, 3, 0, Move::Down), 1);
    }

    #[test]
    fn chip_moves_wrap() {
        assert_eq!(chip_move(0, 12, Move::Left), 11);
        assert_eq!(chip_move(11, 12, Move::Right), 0);
        assert_eq!(chip_move(4, 12, Move::Down), 5);
        assert_eq!(chip_move(4, 12, Move::RowEnd), 11);
        assert_eq!(Move::from_key("Home", true), Some(Move::First));
        assert_eq!(Move::from_key("Home", false), Some(Move::RowStart));
        assert_eq!(Move::from_key("a", false), None);
    }
}
