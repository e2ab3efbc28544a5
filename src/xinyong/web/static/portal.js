// Keyboard use of the search suggestions: ↓ from the box into the list, ↑/↓ within, Esc back.
(function () {
  var box = document.getElementById('q'), list = document.getElementById('suggestions');
  if (!box || !list) return;
  function links() { return Array.prototype.slice.call(list.querySelectorAll('a')); }
  box.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown' && links().length) { e.preventDefault(); links()[0].focus(); }
    if (e.key === 'Escape') { list.innerHTML = ''; }
  });
  list.addEventListener('keydown', function (e) {
    var all = links(), i = all.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' && i < all.length - 1) { e.preventDefault(); all[i + 1].focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); (i > 0 ? all[i - 1] : box).focus(); }
    if (e.key === 'Escape') { list.innerHTML = ''; box.focus(); }
  });
})();
