// The demo page: ?view=staff for the staff view, the customer view otherwise. Each view's module is
// loaded only when shown, so the staff view works even where the SDK bundle (sdk.js) is missing.
import { params } from './common.js';

const view = params.get('view') === 'staff' ? 'staff' : 'customer';
document.getElementById(view).hidden = false;
document.getElementById(`tab-${view}`).setAttribute('aria-current', 'page');
document.title = `tablehold demo · ${view === 'staff' ? 'staff' : 'book a spot'}`;

try {
  if (view === 'staff') (await import('./staff.js')).startStaff();
  else (await import('./customer.js')).startCustomer();
} catch (e) {
  const error = document.getElementById('page-error');
  error.hidden = false;
  error.textContent = `The page could not start: ${e instanceof Error ? e.message : String(e)}`;
  throw e;
}
